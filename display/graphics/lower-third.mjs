// The OGraf web component of the lower-third (manifest: lower-third.ograf.json; see ograf.js).
import { ografGraphic } from './ograf.js';

export default ografGraphic('lower-third');
