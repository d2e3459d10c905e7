#ifndef kwfp_potential_potential_parameters_h
#define kwfp_potential_potential_parameters_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/potential/potential_type.h>

#include <deal.II/base/parameter_handler.h>

#include <map>
#include <string>
#include <vector>

namespace kwfp
{
  /// The parameters of subsection 'Potential': the potential Phi_R of (1.6)
  /// and (4.1) (create_potential() builds it), declared and parsed by the
  /// potential module.
  struct PotentialParameters
  {
    PotentialType       type = PotentialType::quadratic; ///< kind of Phi_R
    DenseVector         minimizer;                       ///< u_0 (quadratic)
    DenseMatrix         covariance;                      ///< B (quadratic)
    std::string         forward_model; ///< "linear", "expression" or registered
    std::vector<double> observation_points;     ///< registered models
    DenseMatrix         forward_matrix;         ///< A, K x d (linear model)
    std::string         forward_map;            ///< G_1; ..; G_K (expression)
    std::string         external_command;       ///< the command (external)
    double              external_timeout = 600; ///< seconds (external)
    /// 'External Jacobian = command': OUTPUT rows carry DG after G.
    bool external_jacobian_from_command = false;
    /// An external G that is not finite is returned as it is (set by the
    /// particles' 'On forward failure = drop', which drops the particle),
    /// not an error of the command; not a parameter of its own.
    bool                          external_non_finite_allowed = false;
    std::map<std::string, double> forward_constants; ///< for G (expression)
    DenseVector                   data;              ///< y, length K
    DenseMatrix                   noise_covariance;  ///< Gamma, K x K
    DenseMatrix                   prior_covariance;  ///< Gamma_0, d x d
    DenseVector                   prior_mean;        ///< m_prior, length d
    std::string                   data_file;      ///< logistic regression CSV
    double                   prior_variance = 10; ///< logistic regression s^2
    std::vector<double>      mixture_weights;     ///< w_k (mixture)
    DenseMatrix              mixture_means;       ///< mu_k as rows
    std::vector<DenseMatrix> mixture_covariances; ///< Sigma_k
    std::string              expression;          ///< Phi_R (expression)
    std::string              gradient;            ///< grad Phi_R, d expressions
    std::map<std::string, double> constants;      ///< for Phi_R (expression)

    /// Declare the entries and the subsections of the kinds of Phi_R in the
    /// current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /**
     * Read them from the current subsection of @p prm (which enters the
     * subsection of the chosen kind) for dimension @p dimension; a bad value
     * is an InputError naming @p path followed by the entry. A logistic
     * regression's data file is read here, so that a bad file is reported
     * before any output.
     */
    void
    parse_parameters(dealii::ParameterHandler &prm,
                     const unsigned int        dimension,
                     const std::string        &path = "Potential/");
  };
} // namespace kwfp

#endif
