export async function memory() {
  throw new Error('not implemented yet');
}
