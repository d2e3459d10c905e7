#include <kwfp/app/application.h>
#include <kwfp/base/interruption.h>
#include <kwfp/base/launch_environment.h>
#include <kwfp/base/mpi_start.h>

#include <deal.II/base/mpi.h>

#include <iostream>

/// The kwfp executable: see kwfp::run_application().
int
main(int argc, char **argv)
{
  kwfp::record_launch_environment(); // for the commands it runs
  const kwfp::SingletonMpiStart            singleton; // before MPI_Init
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  kwfp::install_interruption_handlers();
  return kwfp::run_application(std::vector<std::string>(argv + 1, argv + argc),
                               MPI_COMM_WORLD,
                               std::cout,
                               std::cerr);
}
