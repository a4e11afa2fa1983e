export async function legacy() {
  throw new Error('not implemented yet');
}
