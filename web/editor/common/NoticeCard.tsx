/** @jsxImportSource react */
// A panel's place when there is nothing to edit yet: a heading and a sentence, as a card.
// `alert` makes the sentence a live alert (an address naming something that does not exist).
import { Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

export function NoticeCard({ title, alert, children }: { title: string; alert?: boolean; children: ReactNode }) {
  return (
    <Paper withBorder p="lg">
      <Stack gap="xs">
        <Title order={2} size="h3">
          {title}
        </Title>
        <Text role={alert ? "alert" : undefined}>{children}</Text>
      </Stack>
    </Paper>
  );
}
