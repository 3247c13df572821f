// A handler module as a build would plug in: it supplies `monitor`, leaving `retrain` unavailable.
export const scheduleHandlers = {
  monitor: async () => ({ alerts: 0, checked: 3 }),
};
