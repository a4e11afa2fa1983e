// `shannon-hub`: placeholder until the hub issue lands.
console.error('shannon-hub: not built yet');
process.exit(1);
