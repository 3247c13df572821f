// A handler module as a build would plug in: it replaces `monitor` (a stub, so the test needs no model).
export const scheduleHandlers = {
  monitor: async () => ({ alerts: 0, checked: 3 }),
};
