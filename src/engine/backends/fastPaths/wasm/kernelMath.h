// Scalar float32 exp and tanh shared by the recurrent WebAssembly kernels (gruKernel.c,
// lstmKernel.c): Cephes' expf and tanhf, no libc. Included (not compiled alone) by those files,
// so the functions stay static and are inlined as before; strict IEEE float32 (see the build's
// -ffp-contract=off, no fast-math), so results are bit-identical in every kernel that uses them.

#ifndef FINETUNE_KERNEL_MATH_H
#define FINETUNE_KERNEL_MATH_H

#include <stdint.h>

/* Cephes expf (S. L. Moshier): range reduction by ln 2, degree-6 polynomial; ~1 ulp. */
static float ldexp_(float p, int n) {
  if (n > 127) {
    p *= 0x1p127f;
    n -= 127;
    if (n > 127) n = 127;
  } else if (n < -126) {
    p *= 0x1p-126f;
    n += 126;
    if (n < -126) n = -126;
  }
  union { uint32_t i; float f; } scale = { (uint32_t)(n + 127) << 23 };
  return p * scale.f;
}

static float exp_(float x) {
  if (x > 88.72283905206835f) return __builtin_inff();
  if (x < -103.97208f) return 0.0f;
  float z = __builtin_floorf(1.44269504088896341f * x + 0.5f);
  x -= z * 0.693359375f;
  x -= z * -2.12194440e-4f;
  float xx = x * x;
  float p = (((((1.9875691500E-4f * x + 1.3981999507E-3f) * x + 8.3334519073E-3f) * x + 4.1665795894E-2f) * x + 1.6666665459E-1f) * x +
             5.0000001201E-1f) * xx + x + 1.0f;
  return ldexp_(p, (int)z);
}

/* Cephes tanhf: an odd polynomial below 0.625, else 1 - 2 / (e^{2|x|} + 1); ~2 ulp. */
static float tanh_(float x) {
  float a = x < 0.0f ? -x : x;
  if (a < 0.625f) {
    float z = x * x;
    return ((((-5.70498872745E-3f * z + 2.06390887954E-2f) * z - 5.37397155531E-2f) * z + 1.33314422036E-1f) * z - 3.33332819422E-1f) * z * x + x;
  }
  float t = 1.0f - 2.0f / (exp_(2.0f * a) + 1.0f);
  return x < 0.0f ? -t : t;
}

#endif
