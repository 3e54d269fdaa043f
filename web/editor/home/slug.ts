// The app address the editor accepts before asking the server (which has the last word).
export const SLUG = /^[a-z][a-z0-9-]*$/;
