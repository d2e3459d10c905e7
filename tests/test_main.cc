#include <kwfp/base/launch_environment.h>
#include <kwfp/base/mpi_start.h>

#include <deal.II/base/mpi.h>

#include <gtest/gtest.h>

// GoogleTest main with MPI initialized (the solver uses Trilinos and p4est).
int
main(int argc, char **argv)
{
  kwfp::record_launch_environment(); // for the commands it runs
  const kwfp::SingletonMpiStart            singleton; // before MPI_Init
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
