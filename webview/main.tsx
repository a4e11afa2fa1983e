import { render } from 'preact';

render(<main>Shannon</main>, document.body);
