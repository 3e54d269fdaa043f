import type { Story } from "../../gallery/fixtures";

export const stories: Story[] = [];
