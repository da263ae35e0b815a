from clever_notify.cli import main

if __name__ == "__main__":
    main(prog_name="clever")
