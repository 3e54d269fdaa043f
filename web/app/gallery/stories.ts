// Every component's gallery states, gathered from the stories file beside each component.
import { stories as Button } from "../components/Button/stories";
import { stories as Chart } from "../components/Chart/stories";
import { stories as Container } from "../components/Container/stories";
import { stories as DataGrid } from "../components/DataGrid/stories";
import { stories as DetailView } from "../components/DetailView/stories";
import { stories as Form } from "../components/Form/stories";
import { stories as ImportWizard } from "../components/ImportWizard/stories";
import { stories as Kpi } from "../components/Kpi/stories";
import { stories as Modal } from "../components/Modal/stories";
import { stories as Text } from "../components/Text/stories";
import type { Story } from "./fixtures";

export const allStories: Story[] = [...DataGrid, ...Form, ...Button, ...Text, ...Container, ...Modal, ...DetailView, ...Kpi, ...Chart, ...ImportWizard];

/** A story's address in the gallery: ?story=<component>/<name>. */
export const storyKey = (s: Story) => `${s.component}/${s.name}`;
