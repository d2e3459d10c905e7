#ifndef kwfp_base_memory_need_h
#define kwfp_base_memory_need_h

#include <deal.II/base/mpi.h>

#include <cstdint>
#include <string>

namespace kwfp
{
  /**
   * Bytes this process may still allocate on its machine: MemAvailable of
   * /proc/meminfo, lowered to cgroup_memory_room() of the control groups
   * mounted at /sys/fs/cgroup with the process's groups of
   * /proc/self/cgroup. 0 when none of these can be read.
   */
  std::uint64_t
  available_memory();

  /**
   * The smallest room under a memory limit of the control group named in
   * @p self_cgroup (the text of /proc/self/cgroup: "0::PATH" for v2,
   * "N:memory:PATH" for v1) and of each group above it, with the groups
   * mounted at @p root (v2 files in root/PATH, v1 in root/memory/PATH).
   * The room is the limit (v2 memory.max, v1 memory.limit_in_bytes) less
   * what is used there without the inactive file cache (memory.stat),
   * which the kernel reclaims first. Levels that are not visible (inside a
   * container's namespace) are passed over; without a group, the mount's
   * top is read. 0 when no level sets a limit.
   */
  std::uint64_t
  cgroup_memory_room(const std::string &root, const std::string &self_cgroup);

  /**
   * Stop with InputError naming @p parameter when a run needs at least
   * @p bytes over all ranks of @p communicator (shared evenly) and the
   * ranks on one machine together need more than available_memory() there:
   * a clear message before the kernel ends the process without one.
   * @p what says what needs the memory. Collective: every rank throws or
   * none. No check where the available memory is unknown. The message
   * gives the figures of the rank whose machine lacks the most.
   */
  void
  check_memory_need(const double       bytes,
                    const MPI_Comm     communicator,
                    const std::string &parameter,
                    const std::string &what);
} // namespace kwfp

#endif
