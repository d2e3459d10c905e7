#include <kwfp/base/errors.h>
#include <kwfp/particles/particle_method.h>

namespace kwfp
{
  std::string
  particle_method_names()
  {
    return "eks|eks-gradient|eki|eki-opt|herty-visconti|langevin";
  }


  ParticleMethod
  parse_particle_method(const std::string &name)
  {
    if (name == "eks")
      return ParticleMethod::eks;
    if (name == "eks-gradient")
      return ParticleMethod::eks_gradient;
    if (name == "eki")
      return ParticleMethod::eki;
    if (name == "eki-opt")
      return ParticleMethod::eki_opt;
    if (name == "herty-visconti")
      return ParticleMethod::herty_visconti;
    if (name == "langevin")
      return ParticleMethod::langevin;
    throw InputError("Particles/Method",
                     "unknown method '" + name + "'; choose one of " +
                       particle_method_names());
  }


  std::string
  to_string(const ParticleMethod method)
  {
    switch (method)
      {
        case ParticleMethod::eks:
          return "eks";
        case ParticleMethod::eks_gradient:
          return "eks-gradient";
        case ParticleMethod::eki:
          return "eki";
        case ParticleMethod::eki_opt:
          return "eki-opt";
        case ParticleMethod::herty_visconti:
          return "herty-visconti";
        default:
          return "langevin";
      }
  }


  NoiseSquareRoot
  parse_noise_square_root(const std::string &name)
  {
    if (name == "symmetric")
      return NoiseSquareRoot::symmetric;
    if (name == "Cholesky")
      return NoiseSquareRoot::cholesky;
    if (name == "ensemble")
      return NoiseSquareRoot::ensemble;
    throw InputError("Particles/Noise square root",
                     "unknown choice '" + name +
                       "'; choose symmetric, Cholesky or ensemble");
  }


  bool
  uses_forward_model(const ParticleMethod method)
  {
    return method == ParticleMethod::eks || method == ParticleMethod::eki ||
           method == ParticleMethod::eki_opt ||
           method == ParticleMethod::herty_visconti;
  }


  bool
  has_prior_term(const ParticleMethod method)
  {
    return method == ParticleMethod::eks ||
           method == ParticleMethod::herty_visconti;
  }
} // namespace kwfp
