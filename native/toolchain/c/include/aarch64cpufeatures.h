/*
 * The CPUFeatures struct of SubstrateVM's AArch64LibCHelper (svm 25.0.2). The builder reads every
 * architecture's CPU-feature header while it processes C contexts; only amd64's is used here.
 */
#ifndef FANOUT_AARCH64CPUFEATURES_H
#define FANOUT_AARCH64CPUFEATURES_H

typedef struct {
  char fFP;
  char fASIMD;
  char fEVTSTRM;
  char fAES;
  char fPMULL;
  char fSHA1;
  char fSHA2;
  char fCRC32;
  char fLSE;
  char fDCPOP;
  char fSHA3;
  char fSHA512;
  char fSVE;
  char fSVE2;
  char fSTXR_PREFETCH;
  char fA53MAC;
  char fDMB_ATOMICS;
  char fPACA;
  char fSVEBITPERM;
  char fFPHP;
  char fASIMDHP;
} CPUFeatures;

#endif
