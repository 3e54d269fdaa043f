// The TorqueApp runtime's entry: /app/<slug>/… renders the app; /app/_gallery/ the
// component gallery (its code is a separate chunk, loaded only there).
import { lazy } from "solid-js";
import { render } from "solid-js/web";
import { language } from "./lib/i18n";
import { parseRoute } from "./lib/route";
import { applyTheme } from "./lib/theme";
import { App } from "./shell/App";

applyTheme();
document.documentElement.lang = language();
const { slug } = parseRoute();
const Gallery = lazy(() => import("./gallery/Gallery"));
render(() => (slug === "_gallery" ? <Gallery /> : <App slug={slug} />), document.getElementById("root")!);
