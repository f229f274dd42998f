/* An empty ICU data library, put in the Linux bundle in place of Qt's libicudata.so (30 MB).
 *
 * Qt6Core links ICU, and ICU's code loads its data (collation rules, converter tables, locale
 * names ...) from this one symbol. The app uses none of it: Python reads and decodes the sheets,
 * and Qt takes Unicode properties, case mapping, line breaking and country names from its own
 * tables. With this table of contents of zero entries, an ICU call that wants data reports
 * U_MISSING_RESOURCE_ERROR, and Qt falls back to its own code (e.g. QCollator compares code
 * points). The layout is ICU's own stub data (icu4c/source/stubdata/stubdata.cpp).
 * Built by build.spec with the system's C compiler: cc -shared -DICU_ENTRY=icudt73_dat ...
 */
#include <stdint.h>

#ifndef ICU_ENTRY
#error "define ICU_ENTRY as the data symbol of the ICU version Qt links, e.g. icudt73_dat"
#endif

struct icu_data_header {
    uint16_t header_size;
    uint8_t magic1, magic2;
    struct {
        uint16_t size, reserved_word;
        uint8_t is_big_endian, charset_family, size_of_uchar, reserved_byte;
        uint8_t data_format[4], format_version[4], data_version[4];
    } info;
    char padding[8];
    uint32_t count, reserved;
    struct { uint32_t name_offset, data_offset; } toc[1];
};

__attribute__((visibility("default"))) const struct icu_data_header ICU_ENTRY = {
    32, 0xda, 0x27,
    {20, 0, 0 /* little-endian */, 0 /* ASCII */, 2, 0, {0x54, 0x6f, 0x43, 0x50} /* "ToCP" */, {1, 0, 0, 0}, {0, 0, 0, 0}},
    {0}, 0, 0, {{0, 0}},
};
