export async function webview() {
  throw new Error('not implemented yet');
}
