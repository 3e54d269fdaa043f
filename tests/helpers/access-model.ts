// A model with per-entity permissions for the access tests: notes (readable by viewers,
// who do not see their secret; editors write their own, $user; admins delete), tasks
// (each role lists only the tasks assigned to them) and items (no permissions: the
// role defaults).
export const ACCESS_MODEL = {
  name: "Office",
  entities: [
    {
      name: "note",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "owner", type: "text" },
        { name: "secret", type: "text" },
        { name: "points", type: "integer" },
      ],
      permissions: {
        list: ["viewer"],
        read: ["viewer"],
        create: [{ role: "editor", filter: { owner: "$user" } }],
        update: [{ role: "editor", filter: { owner: "$user" } }],
        delete: ["admin"],
        hidden: { viewer: ["secret"] },
      },
    },
    {
      name: "task",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "assignee", type: "text" },
      ],
      permissions: { list: [{ role: "viewer", filter: { assignee: "$user" } }], read: [{ role: "viewer", filter: { assignee: "$user" } }] },
    },
    { name: "item", fields: [{ name: "name", type: "text", required: true }] },
  ],
};
