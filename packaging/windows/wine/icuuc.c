/* A stand-in for ICU's icuuc.dll, for Wine 8 only (Wine >= 11.5 ships the real one).
 *
 * Qt6Core.dll imports ICU's character converters (ucnv_*) for its optional ICU codecs; without
 * any icuuc.dll the DLL does not load at all. Here every converter fails to open, so Qt falls
 * back to its built-in UTF and Latin-1 codecs. Built by build-under-wine.sh into the Wine
 * prefix's system32 only: it must never be part of the bundle or the installer (Windows 10 and
 * 11 have the real DLL). The other functions are never reached without an open converter.
 */
#include <stddef.h>
#include <stdint.h>

typedef int UErrorCode;
typedef uint16_t UChar;
typedef struct UConverter UConverter;
typedef void (*UConverterCallback)(void);

#define U_FILE_ACCESS_ERROR 4

#define EXPORT __declspec(dllexport)

EXPORT UConverter *ucnv_open(const char *name, UErrorCode *err)
{
    (void)name;
    if (err != NULL && *err <= 0)
        *err = U_FILE_ACCESS_ERROR;
    return NULL;
}

EXPORT void ucnv_close(UConverter *converter) { (void)converter; }
EXPORT void ucnv_reset(UConverter *converter) { (void)converter; }
EXPORT int8_t ucnv_getMaxCharSize(const UConverter *converter) { (void)converter; return 1; }
EXPORT const char *ucnv_getName(const UConverter *converter, UErrorCode *err) { (void)converter; (void)err; return ""; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *err)
{
    (void)name; (void)standard; (void)err;
    return NULL;
}

EXPORT void ucnv_getToUCallBack(const UConverter *c, UConverterCallback *action, const void **context)
{
    (void)c;
    if (action) *action = NULL;
    if (context) *context = NULL;
}
EXPORT void ucnv_getFromUCallBack(const UConverter *c, UConverterCallback *action, const void **context)
{
    (void)c;
    if (action) *action = NULL;
    if (context) *context = NULL;
}
EXPORT void ucnv_setToUCallBack(UConverter *c, UConverterCallback a, const void *ctx, UConverterCallback *old_a,
                                const void **old_ctx, UErrorCode *err)
{
    (void)c; (void)a; (void)ctx; (void)old_a; (void)old_ctx; (void)err;
}
EXPORT void ucnv_setFromUCallBack(UConverter *c, UConverterCallback a, const void *ctx, UConverterCallback *old_a,
                                  const void **old_ctx, UErrorCode *err)
{
    (void)c; (void)a; (void)ctx; (void)old_a; (void)old_ctx; (void)err;
}

EXPORT void ucnv_toUnicode(UConverter *c, UChar **target, const UChar *target_limit, const char **source,
                           const char *source_limit, int32_t *offsets, int8_t flush, UErrorCode *err)
{
    (void)c; (void)target; (void)target_limit; (void)source; (void)source_limit; (void)offsets; (void)flush;
    if (err != NULL) *err = U_FILE_ACCESS_ERROR;
}
EXPORT void ucnv_fromUnicode(UConverter *c, char **target, const char *target_limit, const UChar **source,
                             const UChar *source_limit, int32_t *offsets, int8_t flush, UErrorCode *err)
{
    (void)c; (void)target; (void)target_limit; (void)source; (void)source_limit; (void)offsets; (void)flush;
    if (err != NULL) *err = U_FILE_ACCESS_ERROR;
}
EXPORT int32_t ucnv_toUCountPending(const UConverter *c, UErrorCode *err) { (void)c; (void)err; return 0; }
EXPORT int32_t ucnv_fromUCountPending(const UConverter *c, UErrorCode *err) { (void)c; (void)err; return 0; }
EXPORT void ucnv_cbToUWriteUChars(void *args, const UChar *source, int32_t length, int32_t offset, UErrorCode *err)
{
    (void)args; (void)source; (void)length; (void)offset; (void)err;
}
EXPORT void ucnv_cbFromUWriteUChars(void *args, const UChar **source, const UChar *source_limit, int32_t offset,
                                    UErrorCode *err)
{
    (void)args; (void)source; (void)source_limit; (void)offset; (void)err;
}
/* the two substitution callbacks Qt passes to ucnv_set*CallBack */
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
