// The OGraf web component of the score-reveal (manifest: score-reveal.ograf.json; see ograf.js).
import { ografGraphic } from './ograf.js';

export default ografGraphic('score-reveal');
