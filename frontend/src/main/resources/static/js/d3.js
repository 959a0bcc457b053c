// D3 is loaded as the UMD webjar by a classic <script defer> before the modules run.
const d3 = globalThis.d3;
if (!d3) {
	throw new Error('D3 did not load: /webjars/d3/dist/d3.min.js must be included before the modules');
}
export default d3;
