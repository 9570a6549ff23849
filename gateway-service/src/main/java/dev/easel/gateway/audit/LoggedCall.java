package dev.easel.gateway.audit;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * A call as {@code call_log} holds it: its entry, its place in its tenant's chain and the chain's hashes.
 *
 * @param seq the call's place in its tenant's chain, from 1
 * @param prevHash the hash of the tenant's previous call ({@link ChainHash#GENESIS} for the first)
 * @param hash {@link ChainHash#of} this call and {@code prevHash}
 */
public record LoggedCall(long seq, @JsonUnwrapped CallEntry call, String prevHash, String hash) {
}
