_tackle() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="tackle"
                ;;
            tackle,cidr-expand)
                cmd="tackle__subcmd__cidr__subcmd__expand"
                ;;
            tackle,csv-convert)
                cmd="tackle__subcmd__csv__subcmd__convert"
                ;;
            tackle,generate)
                cmd="tackle__subcmd__generate"
                ;;
            tackle,help)
                cmd="tackle__subcmd__help"
                ;;
            tackle,run-cmd)
                cmd="tackle__subcmd__run__subcmd__cmd"
                ;;
            tackle,sendmail)
                cmd="tackle__subcmd__sendmail"
                ;;
            tackle,serve-echo)
                cmd="tackle__subcmd__serve__subcmd__echo"
                ;;
            tackle,serve-time)
                cmd="tackle__subcmd__serve__subcmd__time"
                ;;
            tackle__subcmd__help,cidr-expand)
                cmd="tackle__subcmd__help__subcmd__cidr__subcmd__expand"
                ;;
            tackle__subcmd__help,csv-convert)
                cmd="tackle__subcmd__help__subcmd__csv__subcmd__convert"
                ;;
            tackle__subcmd__help,generate)
                cmd="tackle__subcmd__help__subcmd__generate"
                ;;
            tackle__subcmd__help,help)
                cmd="tackle__subcmd__help__subcmd__help"
                ;;
            tackle__subcmd__help,run-cmd)
                cmd="tackle__subcmd__help__subcmd__run__subcmd__cmd"
                ;;
            tackle__subcmd__help,sendmail)
                cmd="tackle__subcmd__help__subcmd__sendmail"
                ;;
            tackle__subcmd__help,serve-echo)
                cmd="tackle__subcmd__help__subcmd__serve__subcmd__echo"
                ;;
            tackle__subcmd__help,serve-time)
                cmd="tackle__subcmd__help__subcmd__serve__subcmd__time"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        tackle)
            opts="-v -q -h -V --verbose --quiet --log-format --help --version serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__cidr__subcmd__expand)
            opts="-v -q -h -V --verbose --quiet --log-format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__csv__subcmd__convert)
            opts="-o -d -v -q -h -V --output --from --to --dialect --delimiter --quotechar --escapechar --no-doublequote --skipinitialspace --strict --comment --no-header --quoting --lossy --flexible --sniff --out-dialect --out-delimiter --out-quotechar --out-escapechar --out-no-doublequote --out-quoting --line-terminator --infer-types --dedupe-headers --columns --union-keys --ignore-extra --restval --restkey --sort-columns --verbose --quiet --log-format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --output)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -o)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --from)
                    COMPREPLY=($(compgen -W "csv tsv json jsonl" -- "${cur}"))
                    return 0
                    ;;
                --to)
                    COMPREPLY=($(compgen -W "csv tsv json jsonl" -- "${cur}"))
                    return 0
                    ;;
                --dialect)
                    COMPREPLY=($(compgen -W "excel excel-tab unix" -- "${cur}"))
                    return 0
                    ;;
                --delimiter)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                -d)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --quotechar)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --escapechar)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --comment)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --quoting)
                    COMPREPLY=($(compgen -W "minimal all nonnumeric none" -- "${cur}"))
                    return 0
                    ;;
                --out-dialect)
                    COMPREPLY=($(compgen -W "excel excel-tab unix" -- "${cur}"))
                    return 0
                    ;;
                --out-delimiter)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --out-quotechar)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --out-escapechar)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --out-quoting)
                    COMPREPLY=($(compgen -W "minimal all nonnumeric none" -- "${cur}"))
                    return 0
                    ;;
                --line-terminator)
                    COMPREPLY=($(compgen -W "lf crlf" -- "${cur}"))
                    return 0
                    ;;
                --columns)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --restval)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --restkey)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__generate)
            opts="-v -q -h -V --verbose --quiet --log-format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help)
            opts="serve-echo serve-time cidr-expand csv-convert sendmail run-cmd generate help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help__subcmd__cidr__subcmd__expand)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help__subcmd__csv__subcmd__convert)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help__subcmd__generate)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help__subcmd__run__subcmd__cmd)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help__subcmd__sendmail)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help__subcmd__serve__subcmd__echo)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__help__subcmd__serve__subcmd__time)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__run__subcmd__cmd)
            opts="-v -q -h -V --verbose --quiet --log-format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__sendmail)
            opts="-v -q -h -V --verbose --quiet --log-format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__serve__subcmd__echo)
            opts="-v -q -h -V --verbose --quiet --log-format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        tackle__subcmd__serve__subcmd__time)
            opts="-v -q -h -V --verbose --quiet --log-format --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --log-format)
                    COMPREPLY=($(compgen -W "text json" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _tackle -o nosort -o bashdefault -o default tackle
else
    complete -F _tackle -o bashdefault -o default tackle
fi
