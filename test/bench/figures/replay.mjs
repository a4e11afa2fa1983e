export async function replay() {
  throw new Error('not implemented yet');
}
