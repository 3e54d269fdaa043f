/** @jsxImportSource react */
// Providers, the frame and the page for the current route, once the session allows it:
// the sign-in page in its place while the server asks for one (the address kept), and
// for a user who may not change models a note saying so above every page.
import { Alert, AppShell, Button, Container, type CSSVariablesResolver, createTheme, MantineProvider } from "@mantine/core";
import { Suspense } from "react";
import { checkSession, type Session } from "../../auth/session";
import { HomePage } from "../home/HomePage";
import { I18nProvider, lazyPart, useI18n } from "../lib/i18n";
import { type Route, useRoute } from "../lib/route";
import { canDesign, ROLE_LABEL, useSession } from "../lib/session";
import { ModelPage } from "../model/ModelPage";
import { Header } from "./Header";
import { Loading } from "./Loading";
import { NotFound } from "./NotFound";
import { NoticesProvider } from "./notices";

// Its own chunk: a signed-in editor does not load the sign-in page (nor Mantine's PasswordInput).
const SignIn = lazyPart(() => import("../signin/SignIn"));

// Mantine's defaults (blue 6 for buttons and links, gray 6 for dimmed text, red 6/8 for
// error messages) fall below the 4.5:1 contrast WCAG AA asks of text; shade 8 and one step
// darker (lighter in dark) pass.
const theme = createTheme({ primaryShade: { light: 8, dark: 8 } });
const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)", "--mantine-color-error": "var(--mantine-color-red-8)" },
  dark: { "--mantine-color-dimmed": "var(--mantine-color-dark-1)", "--mantine-color-error": "var(--mantine-color-red-4)" },
});

function ReadOnlyNote({ session }: { session: Session }) {
  const { t } = useI18n();
  if (session.status !== "signedIn" || canDesign(session)) return null;
  return (
    <Alert color="blue" variant="light" title={t("readOnlyTitle")} mb="md" data-testid="read-only">
      {t("readOnly", { name: session.user.name, role: t(ROLE_LABEL[session.user.role]) })}
    </Alert>
  );
}

function Content({ route, session }: { route: Route; session: Session }) {
  const { t } = useI18n();
  if (session.status === "checking") return <Loading />;
  if (session.status === "signedOut")
    return (
      <Suspense fallback={<Loading />}>
        <SignIn expired={session.expired} />
      </Suspense>
    );
  if (session.status === "unreachable")
    return (
      <Alert color="red" role="alert" title={t("sessionUnreachable", { message: session.detail })}>
        <Button variant="default" onClick={() => void checkSession()}>
          {t("retry")}
        </Button>
      </Alert>
    );
  return (
    <>
      <ReadOnlyNote session={session} />
      {route.name === "home" ? <HomePage /> : route.name === "model" ? <ModelPage id={route.id} rest={route.rest} /> : <NotFound />}
    </>
  );
}

function Page() {
  const route = useRoute();
  const session = useSession();
  return (
    <AppShell header={{ height: 60 }} padding="md">
      <AppShell.Header>
        <Header route={route} session={session} />
      </AppShell.Header>
      <AppShell.Main>
        {/* A model's workspace uses the whole width (the diagram needs it); Home reads better narrow. */}
        <Container size={route.name === "model" && session.status !== "signedOut" ? "100%" : "lg"}>
          <Content route={route} session={session} />
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
