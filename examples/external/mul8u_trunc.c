// axgen example C model (examples/external/README.md), EvoApproxLib's signature: note B first.
// Truncated 8x8 unsigned multiplier: partial product B[i]&A[j] left out when i+j < 6, or j < 2 and i < 7.
#include <stdint.h>

uint64_t mul8u_trunc(uint64_t B, uint64_t A) {
  uint64_t p = 0;
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++)
      if (!(i + j < 6 || (j < 2 && i < 7))) p += (((B >> i) & 1) & ((A >> j) & 1)) << (i + j);
  return p;
}
