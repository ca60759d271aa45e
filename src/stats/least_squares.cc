#include "stats/least_squares.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace perfgate::stats {
namespace {

using Matrix = std::vector<std::vector<double>>;

struct Normal {
  Matrix jtj;
  std::vector<double> jtr;
  double ssr = 0;
};

// JᵀJ, Jᵀr and the SSR at p.
Normal normal_equations(const LeastSquaresModel& model, std::span<const double> xs,
                        std::span<const double> ys, std::span<const double> p) {
  const size_t k = model.parameters;
  Normal n{Matrix(k, std::vector<double>(k, 0.0)), std::vector<double>(k, 0.0), 0.0};
  std::vector<double> grad(k);
  for (size_t i = 0; i < xs.size(); ++i) {
    const double r = ys[i] - model.value(xs[i], p);
    model.gradient(xs[i], p, grad);
    n.ssr += r * r;
    for (size_t a = 0; a < k; ++a) {
      n.jtr[a] += grad[a] * r;
      for (size_t b = 0; b < k; ++b) n.jtj[a][b] += grad[a] * grad[b];
    }
  }
  return n;
}

double ssr_at(const LeastSquaresModel& model, std::span<const double> xs,
              std::span<const double> ys, std::span<const double> p) {
  double ssr = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const double r = ys[i] - model.value(xs[i], p);
    ssr += r * r;
  }
  return ssr;
}

bool invert(const Matrix& a, Matrix* inverse) {
  const size_t k = a.size();
  inverse->assign(k, std::vector<double>(k, 0.0));
  for (size_t col = 0; col < k; ++col) {
    std::vector<double> e(k, 0.0), x;
    e[col] = 1.0;
    if (!solve_linear(a, e, &x)) return false;
    for (size_t row = 0; row < k; ++row) (*inverse)[row][col] = x[row];
  }
  return true;
}

// One Levenberg-Marquardt iteration: tries damped steps until one lowers the SSR (raising the
// damping each time). Returns false when no step helps (the minimum is reached).
bool lm_step(const LeastSquaresModel& model, std::span<const double> xs, std::span<const double> ys,
             std::vector<double>& p, double& lambda, double& ssr, double* relative_step) {
  const Normal n = normal_equations(model, xs, ys, p);
  for (int attempt = 0; attempt < 40; ++attempt) {
    Matrix a = n.jtj;
    for (size_t d = 0; d < a.size(); ++d) a[d][d] += lambda * std::max(n.jtj[d][d], 1e-300);
    std::vector<double> delta;
    if (solve_linear(a, n.jtr, &delta)) {
      std::vector<double> trial = p;
      double step = 0, size = 0;
      for (size_t d = 0; d < p.size(); ++d) {
        trial[d] += delta[d];
        step += delta[d] * delta[d];
        size += p[d] * p[d];
      }
      const double trial_ssr = ssr_at(model, xs, ys, trial);
      if (std::isfinite(trial_ssr) && trial_ssr <= ssr) {
        p = trial;
        ssr = trial_ssr;
        lambda = std::max(lambda / 10, 1e-12);
        *relative_step = std::sqrt(step / std::max(size, 1e-300));
        return true;
      }
    }
    lambda *= 10;
  }
  return false;
}

}  // namespace

bool solve_linear(Matrix a, std::vector<double> b, std::vector<double>* x) {
  const size_t k = a.size();
  for (size_t col = 0; col < k; ++col) {
    size_t pivot = col;
    for (size_t row = col + 1; row < k; ++row) {
      if (std::fabs(a[row][col]) > std::fabs(a[pivot][col])) pivot = row;
    }
    if (std::fabs(a[pivot][col]) < 1e-300) return false;
    std::swap(a[col], a[pivot]);
    std::swap(b[col], b[pivot]);
    for (size_t row = col + 1; row < k; ++row) {
      const double f = a[row][col] / a[col][col];
      for (size_t c = col; c < k; ++c) a[row][c] -= f * a[col][c];
      b[row] -= f * b[col];
    }
  }
  x->assign(k, 0.0);
  for (size_t i = k; i-- > 0;) {
    double sum = b[i];
    for (size_t c = i + 1; c < k; ++c) sum -= a[i][c] * (*x)[c];
    (*x)[i] = sum / a[i][i];
  }
  return true;
}

double student_t_975(double dof) {
  const boost::math::students_t distribution(dof);
  return boost::math::quantile(distribution, 0.975);
}

Result<LeastSquaresFit> fit_least_squares(const LeastSquaresModel& model,
                                          std::span<const double> xs, std::span<const double> ys,
                                          std::span<const double> initial, int max_iterations) {
  const size_t k = model.parameters;
  if (xs.size() < k + 1) {
    return make_error("a fit of " + std::to_string(k) + " parameters needs at least " +
                      std::to_string(k + 1) + " points");
  }
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!std::isfinite(xs[i]) || !std::isfinite(ys[i])) return make_error("non-finite data point");
  }
  LeastSquaresFit fit;
  fit.params.assign(initial.begin(), initial.end());
  fit.points = xs.size();
  double lambda = 1e-3;
  fit.ssr = ssr_at(model, xs, ys, fit.params);
  if (!std::isfinite(fit.ssr)) return make_error("the model is not finite at the initial guess");
  for (; fit.iterations < max_iterations; ++fit.iterations) {
    const double before = fit.ssr;
    double relative_step = 0;
    if (!lm_step(model, xs, ys, fit.params, lambda, fit.ssr, &relative_step)) break;
    const double decrease = (before - fit.ssr) / std::max(before, 1e-300);
    if (decrease < 1e-12 && relative_step < 1e-12) break;
  }
  const Normal n = normal_equations(model, xs, ys, fit.params);
  if (!invert(n.jtj, &fit.covariance)) {
    return make_error("the data do not determine every parameter (singular JᵀJ)");
  }
  const double dof = static_cast<double>(xs.size() - k);
  const double s2 = fit.ssr / dof;
  const double t = student_t_975(dof);
  for (size_t a = 0; a < k; ++a) {
    for (size_t b = 0; b < k; ++b) fit.covariance[a][b] *= s2;
    const double se = std::sqrt(std::max(fit.covariance[a][a], 0.0));
    fit.standard_errors.push_back(se);
    fit.ci_low.push_back(fit.params[a] - t * se);
    fit.ci_high.push_back(fit.params[a] + t * se);
  }
  double mean = 0, sst = 0;
  for (double y : ys) mean += y / static_cast<double>(ys.size());
  for (double y : ys) sst += (y - mean) * (y - mean);
  fit.r2 = sst > 0 ? 1.0 - fit.ssr / sst : 1.0;
  return fit;
}

}  // namespace perfgate::stats
