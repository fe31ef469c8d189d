/**
 * Whether a token's `channels` claim lets its user join `channel` (product.md section 8): an entry equal to
 * the channel, an entry that ends in `*` and whose part before the `*` starts the channel (`room-*`), or `*`.
 */
export function channelsClaimAllows(claim: readonly string[], channel: string): boolean {
  for (const entry of claim) {
    if (entry.endsWith('*') ? channel.startsWith(entry.slice(0, -1)) : entry === channel) return true;
  }
  return false;
}
