// The CLI's heap set-up, before any library initialises.
//
// tcmalloc sets itself up at the first allocation of the process, before
// main, and zeroes a 1.5 MiB root of its page map in its own zero-filled
// segment: ~380 page faults, each a trap into the hypervisor on a virtual
// machine. Those pages are populated in one madvise call from the
// executable's preinit array, before any library initialises. (The 2 MiB
// leaf of the page map it takes from the system faults in as it is used.)
//
// The heap itself is left in the kernel's default pages. It was advised for
// transparent huge pages (one fault per 2 MiB) until measured after other
// work: on a virtual machine whose host takes back the memory a guest freed
// (free page reporting), a fresh 2 MiB page is zeroed in full, each of its 512
// small pages a fault on the host, and huge pages come from blocks left free
// long enough to have been given back, whereas small pages are taken from
// those the process before just freed. `voc analyze` right after VADER's run
// was 12-20% faster in small pages, and 8% slower only right after another
// voc run (docs/PERFORMANCE.md, "Eleventh round").
#include "heap_setup.h"

#if defined(VOC_CLI_TCMALLOC)
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace voc_cli {
namespace {

BssPreparation g_bss;

// Populates the zero-filled end (.bss) of tcmalloc's writable segment.
int PopulateTcmallocBss(dl_phdr_info* info, size_t, void*) {
  if (info->dlpi_name == nullptr || std::strstr(info->dlpi_name, "libtcmalloc") == nullptr) return 0;
  g_bss.found = true;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD || (ph.p_flags & PF_W) == 0 || ph.p_memsz <= ph.p_filesz) continue;
    const uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    const uintptr_t begin = (start + ph.p_filesz + page - 1) & ~(page - 1);
    const uintptr_t end = (start + ph.p_memsz + page - 1) & ~(page - 1);
    if (end <= begin) continue;
    constexpr int kPopulateWrite = 23;  // MADV_POPULATE_WRITE, Linux 5.14
    if (madvise(reinterpret_cast<void*>(begin), end - begin, kPopulateWrite) == 0)
      g_bss.bytes += end - begin;
    else
      g_bss.error = errno;  // EINVAL before 5.14: the pages fault in as before
  }
  return 1;
}

void PrepareHeap(int, char**, char**) { dl_iterate_phdr(PopulateTcmallocBss, nullptr); }

}  // namespace

BssPreparation TcmallocBssPreparation() { return g_bss; }

}  // namespace voc_cli

// The executable's preinit array runs before the initialisers of every
// library, tcmalloc's among them.
__attribute__((section(".preinit_array"),
               used)) void (*const voc_cli_prepare_heap)(int, char**, char**) = voc_cli::PrepareHeap;

#else  // not linked with tcmalloc

namespace voc_cli {
BssPreparation TcmallocBssPreparation() { return {}; }
}  // namespace voc_cli

#endif
