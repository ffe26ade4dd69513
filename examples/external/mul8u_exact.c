// axgen example C model (examples/external/README.md), EvoApproxLib's signature: note B first.
// Exact 8x8 unsigned array multiplier: O = A * B.
#include <stdint.h>

uint64_t mul8u_exact(uint64_t B, uint64_t A) {
  uint64_t p = 0;
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++)
      if (1) p += (((B >> i) & 1) & ((A >> j) & 1)) << (i + j);
  return p;
}
