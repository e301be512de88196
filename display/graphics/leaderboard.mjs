// The OGraf web component of the leaderboard (manifest: leaderboard.ograf.json; see ograf.js).
import { ografGraphic } from './ograf.js';

export default ografGraphic('leaderboard');
