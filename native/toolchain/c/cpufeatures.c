/*
 * CPU feature detection for SubstrateVM images (AMD64LibCHelper): CPUID and XGETBV, so that an
 * image refuses to start on a CPU that lacks a feature it was compiled for, instead of dying on
 * an illegal instruction. A feature that needs OS-saved register state (AVX, AVX-512, APX) counts
 * only when XCR0 says the OS saves it, as HotSpot's vm_version_x86 decides.
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amd64cpufeatures.h"

#define BIT(reg, n) (((reg) >> (n)) & 1u)

static uint64_t xgetbv0(void) {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((uint64_t)edx << 32) | eax;
}

void determineCPUFeatures(CPUFeatures *f) {
  unsigned int a, b, c, d;
  memset(f, 0, sizeof(*f));
  unsigned int max_leaf = __get_cpuid_max(0, NULL);
  unsigned int max_ext = __get_cpuid_max(0x80000000u, NULL);
  if (max_leaf < 1) {
    return;
  }
  __cpuid(1, a, b, c, d);
  f->fCX8 = BIT(d, 8);
  f->fCMOV = BIT(d, 15);
  f->fFLUSH = BIT(d, 19);
  f->fMMX = BIT(d, 23);
  f->fFXSR = BIT(d, 24);
  f->fSSE = BIT(d, 25);
  f->fSSE2 = BIT(d, 26);
  f->fHT = BIT(d, 28);
  f->fTSC = BIT(d, 4);
  f->fSSE3 = BIT(c, 0);
  f->fCLMUL = BIT(c, 1);
  f->fSSSE3 = BIT(c, 9);
  f->fSSE4_1 = BIT(c, 19);
  f->fSSE4_2 = BIT(c, 20);
  f->fPOPCNT = BIT(c, 23);
  f->fAES = BIT(c, 25);
  f->fHV = BIT(c, 31);

  uint64_t xcr0 = BIT(c, 27) ? xgetbv0() : 0; /* OSXSAVE: the OS manages extended state */
  int os_avx = (xcr0 & 0x6) == 0x6;            /* XMM and YMM state */
  int os_avx512 = os_avx && (xcr0 & 0xe0) == 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */
  int os_apx = (xcr0 & (1ull << 19)) != 0;

  if (os_avx && BIT(c, 28)) {
    f->fAVX = 1;
    f->fVZEROUPPER = 1; /* HotSpot emits vzeroupper wherever AVX is present */
    f->fFMA = BIT(c, 12);
    f->fF16C = BIT(c, 29);
  }

  unsigned int ecx7 = 0, ebx7 = 0, edx7 = 0, eax7_1 = 0, edx7_1 = 0;
  if (max_leaf >= 7) {
    unsigned int sub_max;
    __cpuid_count(7, 0, sub_max, ebx7, ecx7, edx7);
    if (sub_max >= 1) {
      unsigned int ignored_b, ignored_c;
      __cpuid_count(7, 1, eax7_1, ignored_b, ignored_c, edx7_1);
    }
  }
  f->fBMI1 = BIT(ebx7, 3);
  f->fBMI2 = BIT(ebx7, 8);
  f->fERMS = BIT(ebx7, 9);
  f->fRTM = BIT(ebx7, 11);
  f->fADX = BIT(ebx7, 19);
  f->fFLUSHOPT = BIT(ebx7, 23);
  f->fCLWB = BIT(ebx7, 24);
  f->fSHA = BIT(ebx7, 29);
  f->fPKU = BIT(ecx7, 3);
  f->fOSPKE = BIT(ecx7, 4);
  f->fCET_SS = BIT(ecx7, 7);
  f->fGFNI = BIT(ecx7, 8);
  f->fRDPID = BIT(ecx7, 22);
  f->fFSRM = BIT(edx7, 4);
  f->fSERIALIZE = BIT(edx7, 14);
  f->fCET_IBT = BIT(edx7, 20);
  if (f->fAVX) {
    f->fAVX2 = BIT(ebx7, 5);
    f->fAVX_IFMA = BIT(eax7_1, 23);
    f->fSHA512 = BIT(eax7_1, 0);
  }
  if (os_avx512 && BIT(ebx7, 16)) {
    f->fAVX512F = 1;
    f->fAVX512DQ = BIT(ebx7, 17);
    f->fAVX512_IFMA = BIT(ebx7, 21);
    f->fAVX512PF = BIT(ebx7, 26);
    f->fAVX512ER = BIT(ebx7, 27);
    f->fAVX512CD = BIT(ebx7, 28);
    f->fAVX512BW = BIT(ebx7, 30);
    f->fAVX512VL = BIT(ebx7, 31);
    f->fAVX512_VBMI = BIT(ecx7, 1);
    f->fAVX512_VBMI2 = BIT(ecx7, 6);
    f->fAVX512_VAES = BIT(ecx7, 9);
    f->fAVX512_VPCLMULQDQ = BIT(ecx7, 10);
    f->fAVX512_VNNI = BIT(ecx7, 11);
    f->fAVX512_BITALG = BIT(ecx7, 12);
    f->fAVX512_VPOPCNTDQ = BIT(ecx7, 14);
    f->fAVX512_FP16 = BIT(edx7, 23);
    if (BIT(edx7_1, 19) && max_leaf >= 0x24) { /* AVX10: its version is in leaf 0x24 */
      unsigned int a24, b24, c24, d24;
      __cpuid_count(0x24, 0, a24, b24, c24, d24);
      unsigned int version = b24 & 0xff;
      f->fAVX10_1 = version >= 1;
      f->fAVX10_2 = version >= 2;
    }
  }
  if (os_apx) {
    f->fAPX_F = BIT(edx7_1, 21);
  }

  if (max_ext >= 0x80000001u) {
    __cpuid(0x80000001u, a, b, c, d);
    f->fLZCNT = BIT(c, 5);
    f->fSSE4A = BIT(c, 6);
    f->fAMD_3DNOW_PREFETCH = BIT(c, 8);
    f->fRDTSCP = BIT(d, 27);
  }
  if (max_ext >= 0x80000007u) {
    __cpuid(0x80000007u, a, b, c, d);
    f->fTSCINV_BIT = BIT(d, 8);
    f->fTSCINV = f->fTSCINV_BIT;
  }
}

/*
 * The image stores the features it was built for as a CPUFeatures struct, bitwise negated
 * (a required feature is ~1, everything else 0xff, padded to whole 64-bit words with 0xff).
 * OR-ing the runtime struct (1 where present) gives all ones exactly when nothing is missing.
 */
int checkCPUFeatures(const char *buildtimeFeatureMask) {
  enum { WORDS = (sizeof(CPUFeatures) + 7) / 8 };
  union {
    CPUFeatures features;
    uint64_t words[WORDS];
  } runtime;
  memset(&runtime, 0, sizeof(runtime));
  determineCPUFeatures(&runtime.features);
  for (int i = 0; i < WORDS; i++) {
    uint64_t required;
    memcpy(&required, buildtimeFeatureMask + 8 * i, sizeof(required));
    if ((runtime.words[i] | required) != UINT64_MAX) {
      return 1;
    }
  }
  return 0;
}

int checkCPUFeaturesOrExit(const char *buildtimeFeatureMask, const char *errorMessage) {
  int result = checkCPUFeatures(buildtimeFeatureMask);
  if (result != 0) {
    fputs(errorMessage, stderr);
    fputc('\n', stderr);
    exit(1);
  }
  return result;
}
