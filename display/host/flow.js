// The host's main flow as a pure function of the state: start → open poll → close poll →
// lock → reveal → next entry. The space key and the highlighted button both ask it.

export function roundOrder(state, roundId) {
  return (state?.rounds || []).find((r) => r.id === roundId)?.order || [];
}

// The round being worked on: the one on stage, else the one the host is looking at.
export function currentRound(state, ui) {
  return state?.stage?.round || ui.round || state?.rounds?.[0]?.id || null;
}

// The first pending entry after `after` in the running order, else the first pending one.
export function nextPending(state, roundId, after) {
  const order = roundOrder(state, roundId);
  const start = order.findIndex((o) => o.entry === after);
  const later = order.slice(start + 1).find((o) => o.status === 'pending');
  return (later || order.find((o) => o.status === 'pending'))?.entry || null;
}

// A round may be drawn only before any of its entries has been on stage.
export function canDraw(state, roundId) {
  const order = roundOrder(state, roundId);
  return order.length > 0 && order.every((o) => o.status === 'pending') && state?.stage?.round !== roundId;
}

// Relative mode: whether the host may close the round's audience vote now (not yet closed,
// no poll of the round open).
export function canCloseAudience(state, roundId) {
  const round = (state?.rounds || []).find((r) => r.id === roundId);
  if (!round || round.audience_closed) return false;
  return !(state.poll && state.poll.round === roundId);
}

// The next command of the flow, or null when the round is done. `ui` holds the host's
// selection (round, entry), the ticked entries and the poll duration.
export function nextStep(state, ui) {
  const stage = state?.stage;
  const phase = state?.phase || 'idle';
  if (stage && phase === 'on_stage') {
    // Rating mode: right after the performance, the audience rates the entry on stage alone.
    if (ui.audienceMode === 'rating') {
      return { action: 'open_poll', fields: { round: stage.round, entries: [stage.entry], kind: 'rating', duration_ms: (ui.duration ?? 60) * 1000 } };
    }
    const ticked = [...(ui.checked || [])];
    const entries = ui.scope === 'checked' && ticked.length ? ticked : [stage.entry];
    return { action: 'open_poll', fields: { round: stage.round, entries, duration_ms: (ui.duration ?? 60) * 1000 } };
  }
  if (stage && phase === 'poll_open' && state.poll) {
    return { action: 'close_poll', fields: { poll: state.poll.id } };
  }
  if (stage && (phase === 'poll_closed' || (phase === 'poll_open' && !state.poll))) {
    return { action: 'lock_scores', fields: { round: stage.round, entry: stage.entry } };
  }
  if (stage && phase === 'locked') {
    return { action: 'reveal', fields: { round: stage.round, entry: stage.entry } };
  }
  const round = currentRound(state, ui);
  if (!round) return null;
  const selected = ui.entry && roundOrder(state, round).find((o) => o.entry === ui.entry && o.status === 'pending');
  const entry = selected ? ui.entry : nextPending(state, round, stage?.entry);
  if (!entry) return null;
  return { action: 'start_entry', fields: { round, entry } };
}
