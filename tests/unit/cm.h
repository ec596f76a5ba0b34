/* cm: includes cmocka with the headers it needs first, in the order it needs. */
#ifndef QF_TESTS_CM_H
#define QF_TESTS_CM_H

// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on

#endif
