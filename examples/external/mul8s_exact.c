// axgen example C model (examples/external/README.md), EvoApproxLib's signature: note B first.
// Exact 8x8 signed (two's complement) multiplier, modified Baugh-Wooley: O = A * B mod 2^16.
#include <stdint.h>

uint64_t mul8s_exact(uint64_t B, uint64_t A) {
  int64_t a = (int8_t)(A & 0xff);
  int64_t b = (int8_t)(B & 0xff);
  return (uint64_t)(a * b) & 0xffff;
}
