export async function extension() {
  throw new Error('not implemented yet');
}
