// axgen example C model (examples/external/README.md), EvoApproxLib's signature: note B first.
// Truncated 6x6 unsigned multiplier: partial product B[i]&A[j] left out when i+j < 4.
#include <stdint.h>

uint64_t mul6u_trunc(uint64_t B, uint64_t A) {
  uint64_t p = 0;
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++)
      if (i + j >= 4) p += (((B >> i) & 1) & ((A >> j) & 1)) << (i + j);
  return p;
}
