export async function latency() {
  throw new Error('not implemented yet');
}
