// The TorqueApp runtime's entry: /app/<slug>/… renders the app once the session allows it
// (shell/Root.tsx: else the sign-in page); /app/_gallery/ the component gallery (its code
// is a separate chunk, loaded only there, against fixtures: no server, no session).
import { lazy } from "solid-js";
import { render } from "solid-js/web";
import { checkSession } from "../auth/session";
import { language } from "./lib/i18n";
import { parseRoute } from "./lib/route";
import { applyTheme } from "./lib/theme";
import { Root } from "./shell/Root";

applyTheme();
document.documentElement.lang = language();
const { slug } = parseRoute();
const Gallery = lazy(() => import("./gallery/Gallery"));
if (slug !== "_gallery") void checkSession();
render(() => (slug === "_gallery" ? <Gallery /> : <Root slug={slug} />), document.getElementById("root")!);
