// Every scene the display knows, by the name the server uses in state.scene.name.
import awards from './awards.js';
import blackout from './blackout.js';
import commentary from './commentary.js';
import leaderboard from './leaderboard.js';
import message from './message.js';
import order from './order.js';
import poll from './poll.js';
import reveal from './reveal.js';
import stage from './stage.js';
import standby from './standby.js';

export const scenes = { standby, order, stage, poll, reveal, leaderboard, awards, commentary, message, blackout };
