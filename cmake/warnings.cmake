# Warnings are on and clean for every target of the project (-Wall -Wextra), and
# -Wparentheses catches the `>` vs `|` precedence trap of Spirit X3 grammars (STYLE.md).
add_compile_options(-Wall -Wextra -Wparentheses -Wno-missing-field-initializers)
if(ECOAUDIT_WERROR)
  add_compile_options(-Werror)
endif()
