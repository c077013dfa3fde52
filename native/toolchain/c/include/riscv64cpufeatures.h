/*
 * The CPUFeatures struct of SubstrateVM's RISCV64LibCHelper (svm 25.0.2). The builder reads every
 * architecture's CPU-feature header while it processes C contexts; only amd64's is used here.
 */
#ifndef FANOUT_RISCV64CPUFEATURES_H
#define FANOUT_RISCV64CPUFEATURES_H

typedef struct {
  char fI;
  char fM;
  char fA;
  char fF;
  char fD;
  char fC;
  char fV;
} CPUFeatures;

#endif
