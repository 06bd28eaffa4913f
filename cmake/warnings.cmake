# Warnings are on and clean for every target of the project (-Wall -Wextra), and
# -Wparentheses catches the `>` vs `|` precedence trap of Spirit X3 grammars (../shared/STYLE.md,
# outside the repository). CI builds with ECOAUDIT_WERROR=ON (.ci/run, scripts/test.sh when
# CI=1), so a warning fails it; a local build keeps warnings as warnings by default.
option(ECOAUDIT_WERROR "Treat compiler warnings as errors (CI turns it on)" OFF)
add_compile_options(-Wall -Wextra -Wparentheses -Wno-missing-field-initializers)
if(ECOAUDIT_WERROR)
  add_compile_options(-Werror)
endif()
