/** @jsxImportSource react */
// Providers, the frame and the page for the current route.
import { AppShell, Container, type CSSVariablesResolver, createTheme, MantineProvider } from "@mantine/core";
import { HomePage } from "../home/HomePage";
import { I18nProvider } from "../lib/i18n";
import { useRoute } from "../lib/route";
import { ModelPage } from "../model/ModelPage";
import { Header } from "./Header";
import { NotFound } from "./NotFound";
import { NoticesProvider } from "./notices";

// Mantine's defaults (blue 6 for buttons and links, gray 6 for dimmed text, red 6/8 for
// error messages) fall below the 4.5:1 contrast WCAG AA asks of text; shade 8 and one step
// darker (lighter in dark) pass.
const theme = createTheme({ primaryShade: { light: 8, dark: 8 } });
const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)", "--mantine-color-error": "var(--mantine-color-red-8)" },
  dark: { "--mantine-color-dimmed": "var(--mantine-color-dark-1)", "--mantine-color-error": "var(--mantine-color-red-4)" },
});

function Page() {
  const route = useRoute();
  return (
    <AppShell header={{ height: 60 }} padding="md">
      <AppShell.Header>
        <Header route={route} />
      </AppShell.Header>
      <AppShell.Main>
        {/* A model's workspace uses the whole width (the diagram needs it); Home reads better narrow. */}
        <Container size={route.name === "model" ? "100%" : "lg"}>
          {route.name === "home" ? <HomePage /> : route.name === "model" ? <ModelPage id={route.id} rest={route.rest} /> : <NotFound />}
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}

export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables} defaultColorScheme="auto">
      <I18nProvider>
        <NoticesProvider>
          <Page />
        </NoticesProvider>
      </I18nProvider>
    </MantineProvider>
  );
}
