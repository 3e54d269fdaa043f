// The apps that run the open model, by slug: the palette opens them and the page preview
// shows one. Asked for anew each time (apps are created and deleted elsewhere); the last
// answer per model is shown meanwhile.
import { useEffect, useState } from "react";
import { errorMessage, gql } from "../lib/graphql";

export type Apps = { status: "loading" } | { status: "ready"; slugs: string[] } | { status: "error"; message: string };

/** The apps last seen per model: a palette opened again lists them at once while they are asked for anew. */
const seen = new Map<string, string[]>();

/** The model's apps (the palette opens them, the page preview shows one), asked for each time a view using them is loaded (apps come and go elsewhere). */
export function useModelApps(id: string): Apps {
  const [apps, setApps] = useState<Apps>(() => {
    const slugs = seen.get(id);
    return slugs ? { status: "ready", slugs } : { status: "loading" };
  });
  useEffect(() => {
    let cancelled = false;
    gql<{ model: { apps: { slug: string }[] } | null }>("query ($id: ID!) { model(id: $id) { apps { slug } } }", { id }).then(
      (d) => {
        const slugs = (d.model?.apps ?? []).map((a) => a.slug);
        seen.set(id, slugs);
        if (!cancelled) setApps({ status: "ready", slugs });
      },
      (e) => !cancelled && setApps({ status: "error", message: errorMessage(e) }),
    );
    return () => {
      cancelled = true;
    };
  }, [id]);
  return apps;
}
