#ifndef kwfp_base_epetra_values_h
#define kwfp_base_epetra_values_h

#include <deal.II/lac/trilinos_vector.h>

namespace kwfp
{
  /// The local values of a Trilinos vector (owned, or owned and then the
  /// ghosts), as one array: for sweeps over a matrix's local rows and
  /// columns without deal.II's index translation.
  inline double *
  epetra_values(dealii::TrilinosWrappers::MPI::Vector &v)
  {
    return const_cast<Epetra_FEVector &>(v.trilinos_vector())[0];
  }

  /// The local values of a Trilinos vector, read only.
  inline const double *
  epetra_values(const dealii::TrilinosWrappers::MPI::Vector &v)
  {
    return v.trilinos_vector()[0];
  }
} // namespace kwfp

#endif
