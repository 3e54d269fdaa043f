/** @jsxImportSource react */
// The sign-in page, shown in place of any page while the server asks for a sign-in. The
// address stays as it was, so the page asked for opens once signed in (after a session
// expired mid-work too: the model's unsaved edits wait in the local draft and are saved).
// A part of its own (shell/App.tsx loads it when needed), with its strings.
import "./messages";
import { Alert, Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useRef, useState } from "react";
import { signIn } from "../../auth/signIn";
import { useI18n } from "../lib/i18n";

export default function SignIn({ expired }: { expired: boolean }) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  /** The last attempt's problem, and which fields it marks invalid: the empty ones, both (a wrong name or password), or none. */
  const [error, setError] = useState<{ message: string; mark: "empty" | "both" | "none" } | null>(null);
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (!name.trim() || !password) {
      setError({ message: t("signInMissing"), mark: "empty" });
      (name.trim() ? passwordInput : nameInput).current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const r = await signIn(name.trim(), password);
    // Signed in: the shell draws the page asked for in this one's place.
    if (r.ok) return;
    setBusy(false);
    if (r.reason === "credentials") {
      setError({ message: t("signInWrong"), mark: "both" });
      setPassword("");
      passwordInput.current?.focus();
    } else
      setError({
        message:
          r.reason === "rateLimited"
            ? r.retryAfter
              ? t("signInLimited", { seconds: r.retryAfter })
              : t("signInLimitedSoon")
            : r.reason === "network"
              ? t("signInNetwork")
              : t("signInRefused", { message: r.message }),
        mark: "none",
      });
  };

  const described = error ? "signin-error" : undefined;
  const invalid = (value: string) => error?.mark === "both" || (error?.mark === "empty" && !value);
  return (
    <Paper component="form" onSubmit={submit} noValidate withBorder shadow="sm" radius="md" p="xl" maw={420} mx="auto" mt="8vh" aria-labelledby="signin-title">
      <Stack gap="md">
        <div>
          <Title order={1} size="h2" id="signin-title">
            {t("signInTitle")}
          </Title>
          <Text c="dimmed" size="sm">
            {t("signInIntro")}
          </Text>
        </div>
        {expired ? (
          <Alert color="blue" variant="light" role="status">
            {t("signInExpired")}
          </Alert>
        ) : null}
        <TextInput
          ref={nameInput}
          label={t("signInName")}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={invalid(name.trim())}
          aria-describedby={described}
        />
        <PasswordInput
          ref={passwordInput}
          label={t("signInPassword")}
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={invalid(password)}
          aria-describedby={described}
        />
        {error ? (
          <Alert color="red" variant="light" role="alert" id="signin-error">
            {error.message}
          </Alert>
        ) : null}
        <Button type="submit" loading={busy} fullWidth>
          {t("signInSubmit")}
        </Button>
      </Stack>
    </Paper>
  );
}
