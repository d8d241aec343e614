/**
 * Listwise distillation (as in RocketQAv2, Ren et al., EMNLP 2021, and the
 * KL distillation of Hofstätter et al.'s cross-architecture work): the
 * Kullback-Leibler divergence from the teacher's softmax over the candidate
 * list to the student's, KL(softmax(t/τt) ‖ softmax(s/τ)). Ignored
 * candidates are left out of both distributions.
 */
import { IGNORED, type RankingLoss } from './ranking-loss.js';

/** Listwise KL distillation; `teacherTemperature` matches the teacher's score scale (BM25 scores want about 1, cosines 0.05). */
export function listwiseKlLoss(temperature = 0.05, teacherTemperature = 1): RankingLoss {
  return {
    name: 'listwise-kl',
    needsTeacher: true,
    compute({ n, scores, labels, teacher }, grad) {
      grad.fill(0, 0, n);
      if (teacher === null) return 0;
      let sMax = -Infinity;
      let tMax = -Infinity;
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (labels[i] === IGNORED) continue;
        count++;
        sMax = Math.max(sMax, scores[i]! / temperature);
        tMax = Math.max(tMax, teacher[i]! / teacherTemperature);
      }
      if (count < 2) return 0;
      let sZ = 0;
      let tZ = 0;
      for (let i = 0; i < n; i++) {
        if (labels[i] === IGNORED) continue;
        sZ += Math.exp(scores[i]! / temperature - sMax);
        tZ += Math.exp(teacher[i]! / teacherTemperature - tMax);
      }
      const sLog = sMax + Math.log(sZ);
      const tLog = tMax + Math.log(tZ);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        if (labels[i] === IGNORED) continue;
        const logQ = teacher[i]! / teacherTemperature - tLog;
        const logP = scores[i]! / temperature - sLog;
        const q = Math.exp(logQ);
        if (q > 0) loss += q * (logQ - logP);
        grad[i] = (Math.exp(logP) - q) / temperature;
      }
      return loss;
    },
  };
}
