// Non-linear least squares: fits y ≈ f(x; p) by Levenberg-Marquardt (Marquardt's diagonal
// scaling) for models with a handful of parameters, and reports the parameters' covariance,
// standard errors and 95 % confidence intervals the way SciPy's curve_fit does with
// absolute_sigma=False: cov = (JᵀJ)⁻¹ · SSR / (n − p), interval = p ± t(0.975, n − p) · se.
//
// The model supplies its value and its gradient with respect to the parameters (analytic, so the
// covariance does not depend on a finite-difference step). Stops when the relative decrease of
// the SSR and the relative step are both below 1e-12, or after max_iterations.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "core/result.h"

namespace perfgate::stats {

struct LeastSquaresModel {
  size_t parameters = 0;
  // f(x; p).
  std::function<double(double x, std::span<const double> p)> value;
  // ∂f/∂p_k at (x; p), written to grad (size `parameters`).
  std::function<void(double x, std::span<const double> p, std::span<double> grad)> gradient;
};

struct LeastSquaresFit {
  std::vector<double> params;
  std::vector<double> standard_errors;          // sqrt of the covariance's diagonal
  std::vector<double> ci_low, ci_high;          // 95 % (Student t with n − p degrees of freedom)
  std::vector<std::vector<double>> covariance;  // p × p
  double ssr = 0;                               // sum of squared residuals at the optimum
  double r2 = 0;                                // 1 − SSR / SST
  size_t points = 0;
  int iterations = 0;
};

// REQUIRES: xs.size() == ys.size(); initial.size() == model.parameters.
// Errors: fewer points than parameters + 1, non-finite data, or a singular JᵀJ at the optimum
// (a parameter the data cannot determine).
Result<LeastSquaresFit> fit_least_squares(const LeastSquaresModel& model,
                                          std::span<const double> xs, std::span<const double> ys,
                                          std::span<const double> initial,
                                          int max_iterations = 500);

// Solves the symmetric positive definite system a·x = b (small, dense; Gaussian elimination with
// partial pivoting). Returns false when a is singular.
bool solve_linear(std::vector<std::vector<double>> a, std::vector<double> b,
                  std::vector<double>* x);

// Two-sided 97.5 % quantile of Student's t with `dof` degrees of freedom (dof >= 1).
double student_t_975(double dof);

}  // namespace perfgate::stats
