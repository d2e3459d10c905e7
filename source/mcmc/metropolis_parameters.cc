#include <kwfp/base/errors.h>
#include <kwfp/mcmc/metropolis_parameters.h>

#include <cmath>

namespace kwfp
{
  using namespace dealii;


  void
  MetropolisParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Samples",
                      "0",
                      Patterns::Integer(),
                      "Random-walk Metropolis samples of exp(-Phi_R) kept "
                      "after the burn-in (0: no chain, else at least 2). "
                      "The result (mean, "
                      "covariance, standard errors, effective sample sizes, "
                      "acceptance rate) goes to metropolis.csv.");
    prm.declare_entry("Burn-in",
                      "10000",
                      Patterns::Integer(),
                      "Steps discarded first; the proposal adapts during "
                      "them and is fixed afterwards.");
    prm.declare_entry("Proposal scale tau",
                      "0",
                      Patterns::Double(),
                      "Proposal N(0, tau Sigma); 0 tunes tau during the "
                      "burn-in for an acceptance rate of 0.25.");
    prm.declare_entry("Proposal covariance",
                      "initial",
                      Patterns::Anything(),
                      "Sigma: 'initial' (the covariance of the initial "
                      "density: Gaussian or product) or a d x d SPD matrix.");
    prm.declare_entry("Adapt covariance",
                      "true",
                      Patterns::Bool(),
                      "During the burn-in, replace Sigma by the covariance "
                      "of the burn-in samples so far.");
    prm.declare_entry("Start",
                      "initial",
                      Patterns::Anything(),
                      "The start point: 'initial' (the mean of the initial "
                      "density) or d numbers.");
    prm.declare_entry("Proposals per call",
                      "0",
                      Patterns::Integer(0),
                      "Where the proposal is fixed (after the burn-in, or "
                      "all along with 'Proposal scale tau' > 0 and 'Adapt "
                      "covariance = false'), Phi_R is evaluated at the "
                      "proposals of this many steps in one call, made from "
                      "the current state as if all were rejected "
                      "(prefetching); the steps use them until one is "
                      "accepted. An external forward model is then called "
                      "about 1/(acceptance rate) times less often, with up "
                      "to this many points a call (about B times the "
                      "acceptance rate times as many points in all): it "
                      "pays when a call's start-up costs more than its "
                      "points. The chain is the same for every value when "
                      "Phi_R at a point does not depend on the batch it is "
                      "computed in (a linear forward model computes a batch "
                      "as one matrix product, which may round differently). "
                      "0: 32 with 'Forward model = external', else 1.");
    prm.declare_entry("Seed",
                      "1",
                      Patterns::Integer(),
                      "Seed of the chain (Philox).");
  }


  void
  MetropolisParameters::parse_parameters(const ParameterHandler &prm,
                                         const unsigned int      d,
                                         const bool         initial_moments,
                                         const std::string &path)
  {
    const long samples = prm.get_integer("Samples");
    if (samples < 0 || samples == 1)
      throw InputError(path + "Samples",
                       "must be 0 (no chain) or at least 2 (a covariance "
                       "needs two samples)");
    const long read_burn_in = prm.get_integer("Burn-in");
    if (read_burn_in < 0)
      throw InputError(path + "Burn-in", "must be 0 or positive");
    n_samples = samples;
    burn_in   = read_burn_in;
    tau       = prm.get_double("Proposal scale tau");
    if (tau < 0 || !std::isfinite(tau))
      throw InputError(path + "Proposal scale tau",
                       "must be 0 (tune) or positive");
    adapt_covariance     = prm.get_bool("Adapt covariance");
    proposals_per_call   = prm.get_integer("Proposals per call");
    const long read_seed = prm.get_integer("Seed");
    if (read_seed < 0)
      throw InputError(path + "Seed", "must be 0 or positive");
    seed                    = read_seed;
    const auto from_initial = [&](const std::string &name) {
      if (initial_moments)
        return;
      throw InputError(path + name,
                       "'initial' needs a Gaussian or product initial "
                       "density; give the value explicitly");
    };
    const std::string proposal = prm.get("Proposal covariance");
    proposal_from_initial      = proposal == "initial";
    if (proposal_from_initial)
      {
        if (samples > 0)
          from_initial("Proposal covariance");
      }
    else
      proposal_covariance =
        parse_spd_matrix(proposal, path + "Proposal covariance", d);
    const std::string start_text = prm.get("Start");
    start_from_initial           = start_text == "initial";
    if (start_from_initial)
      {
        if (samples > 0)
          from_initial("Start");
      }
    else
      start = to_dense_vector(parse_vector(start_text, path + "Start", d));
  }
} // namespace kwfp
