/* A stand-in for bcryptprimitives.dll's ProcessPrng, for Wine 8 only (Windows 10 and 11 have it).
 *
 * Rust's standard library draws random bytes from ProcessPrng; python-calamine (the workbook
 * reader) is built with it, so its extension fails to load where the function is missing. This
 * one asks bcrypt.dll's system generator instead. Built by build-under-wine.sh into the Wine
 * prefix's system32 only: it must never be part of the bundle or the installer.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
